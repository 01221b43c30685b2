// Entry point: pick the transport (Electron's bridge or the daemon's HTTP API) and show the window.
import { render } from 'preact';
import { App } from './app.js';
import { describeError } from './format.js';
import { I18n, Message, useTranslator } from './i18n.js';
import { chooseTransport } from './transport/choose.js';
import { MissingTokenError } from './transport/token.js';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  try {
    render(<App transport={chooseTransport()} />, root);
  } catch (error) {
    render(<StartFailure error={error} />, root);
  }
}

/** The page cannot start: no token in its URL, or no agent interface. */
function StartFailure({ error }: { error: unknown }) {
  const translator = useTranslator(null);
  return (
    <I18n.Provider value={translator}>
      <div role="alert" class="error-banner" data-testid="error-banner">
        {error instanceof MissingTokenError ? (
          <p data-testid="no-token">
            <Message id="app.noToken" parts={{ command: <code translate={false}>varsync run --ui</code> }} />
          </p>
        ) : (
          <p lang="en">{describeError(error, translator)}</p>
        )}
      </div>
    </I18n.Provider>
  );
}
