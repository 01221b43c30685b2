// The product and hardware ID this device reports, for support calls and the vendor's portal.
import { useRef } from 'preact/hooks';
import type { StatusView } from '../../shared/agent-api.js';
import { useI18n } from '../i18n.js';
import { CopyButton } from './copy-button.js';

export function DeviceInfo({ status, announce }: { status: StatusView; announce: (message: string) => void }) {
  const { t } = useI18n();
  const productRef = useRef<HTMLElement>(null);
  const hardwareIdRef = useRef<HTMLElement>(null);
  const { product, hardwareId } = status;
  return (
    <section class="panel device" aria-labelledby="device-heading">
      <h2 id="device-heading">{t('device.heading')}</h2>
      <dl class="pairs">
        <div>
          <dt>{t('device.product')}</dt>
          <dd>
            {product ? (
              <span class="copyable">
                <code ref={productRef} translate={false} data-testid="product">
                  {product}
                </code>
                <CopyButton
                  text={product}
                  what={t('device.what.product')}
                  source={productRef}
                  announce={announce}
                  testId="copy-product"
                />
              </span>
            ) : (
              <span class="muted" data-testid="product">
                {t('device.notConfigured')}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('device.hardwareId')}</dt>
          <dd>
            {hardwareId ? (
              <>
                <span class="copyable">
                  <code ref={hardwareIdRef} translate={false} data-testid="hardware-id">
                    {hardwareId.id}
                  </code>
                  <CopyButton
                    text={hardwareId.id}
                    what={t('device.what.hardwareId')}
                    source={hardwareIdRef}
                    announce={announce}
                    testId="copy-hardware-id"
                  />
                </span>
                <span class="muted hint" data-testid="hardware-id-source" data-source={hardwareId.source}>
                  {t(`device.source.${hardwareId.source}`)}
                </span>
              </>
            ) : (
              <span class="muted" data-testid="hardware-id">
                {t('device.notKnown')}
              </span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
