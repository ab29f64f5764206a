import { render } from 'preact';
import { AppModel } from './model.js';
import { App } from './views/App.js';

const model = new AppModel();
const root = document.getElementById('app')!;
model.boot().then(
  () => render(<App model={model} />, root),
  (e) => {
    root.textContent = `Parley could not start: ${String(e)}`;
  },
);
