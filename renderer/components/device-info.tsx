// The product and hardware ID this device reports, for support calls and the vendor's portal.
import { useRef } from 'preact/hooks';
import type { StatusView } from '../../shared/agent-api.js';
import { HARDWARE_ID_SOURCE_WORDS } from '../format.js';
import { CopyButton } from './copy-button.js';

export function DeviceInfo({ status, announce }: { status: StatusView; announce: (message: string) => void }) {
  const productRef = useRef<HTMLElement>(null);
  const hardwareIdRef = useRef<HTMLElement>(null);
  const { product, hardwareId } = status;
  return (
    <section class="panel device" aria-labelledby="device-heading">
      <h2 id="device-heading">This device</h2>
      <dl class="pairs">
        <div>
          <dt>Product</dt>
          <dd>
            {product ? (
              <span class="copyable">
                <code ref={productRef} data-testid="product">
                  {product}
                </code>
                <CopyButton
                  text={product}
                  what="product code"
                  source={productRef}
                  announce={announce}
                  testId="copy-product"
                />
              </span>
            ) : (
              <span class="muted" data-testid="product">
                Not configured
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Hardware ID</dt>
          <dd>
            {hardwareId ? (
              <>
                <span class="copyable">
                  <code ref={hardwareIdRef} data-testid="hardware-id">
                    {hardwareId.id}
                  </code>
                  <CopyButton
                    text={hardwareId.id}
                    what="hardware ID"
                    source={hardwareIdRef}
                    announce={announce}
                    testId="copy-hardware-id"
                  />
                </span>
                <span class="muted hint" data-testid="hardware-id-source" data-source={hardwareId.source}>
                  {capitalise(HARDWARE_ID_SOURCE_WORDS[hardwareId.source] ?? hardwareId.source)}
                </span>
              </>
            ) : (
              <span class="muted" data-testid="hardware-id">
                Not known yet
              </span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
