// Errors the reader should see: a failed action (dismissable) and a failed refresh (retryable).
export interface ErrorBannerProps {
  actionError: string | null;
  loadError: string | null;
  onDismiss: () => void;
  onRetry: () => void;
}

export function ErrorBanner({ actionError, loadError, onDismiss, onRetry }: ErrorBannerProps) {
  const messages = [...new Set([actionError, loadError].filter((message): message is string => message !== null))];
  return (
    // Always in the page so screen readers hear the alert when it fills in.
    <div role="alert" class="error-region">
      {messages.length > 0 && (
        <div class="error-banner" data-testid="error-banner">
          <div class="error-text">
            {messages.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
          <div class="button-row">
            {loadError !== null && (
              <button type="button" onClick={onRetry}>
                Try again
              </button>
            )}
            {actionError !== null && (
              <button type="button" onClick={onDismiss} data-testid="error-dismiss">
                Dismiss
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
