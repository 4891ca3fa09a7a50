// Browser code (no Node imports). Keeps the preview page in step with the server:
// the server announces every build over Server-Sent Events and the page reloads when
// the build it shows is no longer the latest (success or failure alike).
export interface BuildEvent {
  build: number;
  ok: boolean;
}

export function connectLiveReload(shownBuild: number, status: HTMLElement | null): EventSource {
  const say = (text: string): void => {
    if (status && status.textContent !== text) status.textContent = text;
  };
  const events = new EventSource('/_preview/events');
  events.addEventListener('building', () => say('Course changed; rebuilding…'));
  events.addEventListener('build', (e) => {
    const msg = JSON.parse((e as MessageEvent<string>).data) as BuildEvent;
    if (msg.build !== shownBuild) location.reload();
    else say('');
  });
  // EventSource reconnects on its own; say so, so a stopped server is not a mystery.
  events.addEventListener('error', () => say('Preview server not reachable; retrying…'));
  events.addEventListener('open', () => say(''));
  return events;
}
