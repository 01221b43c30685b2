// Errors the reader should see: a failed action (dismissable) and a failed refresh (retryable).
// The messages are the agent's own words, in English (they name files, codes and settings), but
// for the page's own two: the agent cannot be reached, or it did not say what went wrong.
import { useI18n } from '../i18n.js';

export interface ErrorBannerProps {
  actionError: string | null;
  loadError: string | null;
  onDismiss: () => void;
  onRetry: () => void;
}

export function ErrorBanner({ actionError, loadError, onDismiss, onRetry }: ErrorBannerProps) {
  const { t } = useI18n();
  const pageWords = new Set([t('error.unreachable'), t('error.unknown')]);
  const messages = [...new Set([actionError, loadError].filter((message): message is string => message !== null))];
  return (
    // Always in the page so screen readers hear the alert when it fills in.
    <div role="alert" class="error-region">
      {messages.length > 0 && (
        <div class="error-banner" data-testid="error-banner">
          <div class="error-text">
            {messages.map((message) => (
              <p key={message} lang={pageWords.has(message) ? undefined : 'en'} dir="auto">
                {message}
              </p>
            ))}
          </div>
          <div class="button-row">
            {loadError !== null && (
              <button type="button" onClick={onRetry}>
                {t('error.tryAgain')}
              </button>
            )}
            {actionError !== null && (
              <button type="button" onClick={onDismiss} data-testid="error-dismiss">
                {t('error.dismiss')}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
