// The print view (print.html) is its own window without the module's launch, so it
// tells the module page that it printed over a BroadcastChannel (same origin, same
// module folder); the module page reports it. Browsers without BroadcastChannel simply
// do not report prints from the print view.
const CHANNEL = 'coursepack-print';

/** In every page: announce prints (the print button, the browser's own print command). */
export function announcePrints(): void {
  const say = (): void => {
    try {
      const c = new BroadcastChannel(CHANNEL);
      c.postMessage({ path: location.pathname.replace(/[^/]*$/, '') });
      c.close();
    } catch {
      // no BroadcastChannel
    }
  };
  if (!document.getElementById('cp-data')) {
    document.getElementById('cp-print')?.addEventListener('click', say);
    window.addEventListener('beforeprint', say);
  }
}

/** In a module page: call `printed` when this page or its print view prints. */
export function onPrint(printed: () => void): void {
  window.addEventListener('beforeprint', printed);
  try {
    const folder = location.pathname.replace(/[^/]*$/, '');
    new BroadcastChannel(CHANNEL).onmessage = (e: MessageEvent) => {
      if (e.data?.path === folder) printed();
    };
  } catch {
    // no BroadcastChannel
  }
}
