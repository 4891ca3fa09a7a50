// The package frame, shared by the SCORM and LRS players: the Width menu (the package at
// a phone, tablet or desktop width, kept across reloads; set through CSSOM because the
// page's Content-Security-Policy allows no inline styles) and unloading the package.
const WIDTH_KEY = 'coursepack-preview:frame-width';

export function wireFrameWidth(iframe: HTMLIFrameElement, width: HTMLSelectElement): void {
  const apply = (): void => {
    iframe.style.width = width.value ? `${width.value}px` : '';
    iframe.classList.toggle('fixed-width', Boolean(width.value));
    sessionStorage.setItem(WIDTH_KEY, width.value);
  };
  width.value = sessionStorage.getItem(WIDTH_KEY) ?? '';
  if (width.selectedIndex < 0) width.value = '';
  width.addEventListener('change', apply);
  apply();
}

/**
 * Unloads the package (a SCO finishes and commits, an AU sends terminated, on pagehide)
 * and resolves once the frame shows about:blank.
 */
export function unloadFrame(iframe: HTMLIFrameElement): Promise<void> {
  if (!iframe.getAttribute('src') || iframe.getAttribute('src') === 'about:blank') return Promise.resolve();
  return new Promise((resolve) => {
    iframe.addEventListener('load', () => resolve(), { once: true });
    iframe.src = 'about:blank';
  });
}
