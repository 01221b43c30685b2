// The product and hardware ID this device reports, for support calls and the vendor's portal.
import { useRef } from 'preact/hooks';
import type { HardwareIdSource } from '../../shared/agent-api.js';
import { useI18n } from '../i18n.js';
import { CopyButton } from './copy-button.js';

/** Plain values, so that a refreshed status with the same device does not render this again. */
export interface DeviceInfoProps {
  product: string | null;
  hardwareId: string | null;
  hardwareIdSource: HardwareIdSource | null;
  announce: (message: string) => void;
}

export function DeviceInfo({ product, hardwareId, hardwareIdSource, announce }: DeviceInfoProps) {
  const { t } = useI18n();
  const productRef = useRef<HTMLElement>(null);
  const hardwareIdRef = useRef<HTMLElement>(null);
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
                    {hardwareId}
                  </code>
                  <CopyButton
                    text={hardwareId}
                    what={t('device.what.hardwareId')}
                    source={hardwareIdRef}
                    announce={announce}
                    testId="copy-hardware-id"
                  />
                </span>
                <span class="muted hint" data-testid="hardware-id-source" data-source={hardwareIdSource}>
                  {hardwareIdSource && t(`device.source.${hardwareIdSource}`)}
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
