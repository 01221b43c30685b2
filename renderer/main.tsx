// Entry point: pick the transport (Electron's bridge or the daemon's HTTP API) and show the window.
import { render } from 'preact';
import { App } from './app.js';
import { describeError } from './format.js';
import { chooseTransport } from './transport/choose.js';
import { MissingTokenError } from './transport/token.js';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  try {
    render(<App transport={chooseTransport()} />, root);
  } catch (error) {
    render(
      <div role="alert" class="error-banner" data-testid="error-banner">
        {error instanceof MissingTokenError ? (
          <p data-testid="no-token">
            Open the URL that <code>varsync run --ui</code> printed (it carries this run's token).
          </p>
        ) : (
          <p>{describeError(error)}</p>
        )}
      </div>,
      root,
    );
  }
}
