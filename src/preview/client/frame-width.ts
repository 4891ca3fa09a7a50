// The player's Width menu, shared by the SCORM and LRS players: shows the package at a
// phone, tablet or desktop width, kept across reloads. Set through CSSOM because the
// page's Content-Security-Policy allows no inline styles.
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
