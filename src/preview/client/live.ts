// Browser code (no Node imports): the failed-build page's only script, which reloads
// the page once a newer build exists.
import { connectLiveReload } from './live-reload.ts';

const data = JSON.parse(document.getElementById('preview-data')?.textContent ?? '{}') as { build: number };
connectLiveReload(data.build, document.getElementById('live-status'));
