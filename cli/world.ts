import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { MERCHANT_TAG } from '../contracts/device.js';
import { signJws } from '../kit/src/jws.js';
import { loadOrCreateSigningKey } from '../kit/src/keys.js';
import { merchantTag, type SimulatedCard } from '../device-sim/src/nfc/cards.js';
import type { AttestationRecord } from '../kit/src/attestation-record.js';
import { contracts } from '../kit/src/contracts.js';
import { call, createClient } from '../kit/src/grpc-client.js';
import type { PkiPaths } from '../kit/src/pki.js';
import { readTls } from '../kit/src/tls.js';
import { trustCaForFetch } from '../kit/src/tls-policy.js';
import { grpcBackend, type Backend } from '../device-sim/src/daemon/backend.js';
import type { Step } from '../device-sim/src/daemon/payment-daemon.js';
import type { DaemonKeystore } from '../device-sim/src/daemon/keystore-port.js';
import type { Bridge, HandshakeRelay } from '../device-sim/src/nfc/pcsc-client.js';
import { httpsTransport, type FirmwareTrust, type FotaLimits, type FotaTransport } from '../device-sim/src/fota.js';
import { Oem } from '../device-sim/src/oem.js';
import { buildPhone, type BuildOptions, type Phone, type PhoneParts } from '../device-sim/src/phone.js';
import type { Sim } from '../device-sim/src/sim.js';
import { scriptedUser, type Frame, type PhoneUser } from '../device-sim/src/ui/native-ui.js';

export interface Addresses {
  attestationAddr: string;
  transactionAddr: string;
  /** The FOTA service's HTTPS URL; phones pin the dev CA for it. */
  fotaUrl?: string;
  /** The mobile operator's HTTPS API; without it phones have no SIM. */
  mnoUrl?: string;
  /** The operator's token for its line controls (new line, swap, port, remove SIM); required with `mnoUrl`. */
  mnoToken?: string;
}

/** What the operator answers a swap or a port with: the number and when its SIM changed (never the new IMSI). */
export interface SimChanged {
  msisdn: string;
  latestSimChange: string;
}

/**
 * The mobile network as the simulation drives it, with the operator's token: new lines, and SIM
 * swaps, ports and removals done at the operator.
 */
function mobileNetwork(url: string, token: string) {
  const post = async <T>(path: string, method = 'POST') => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    // The path names the line's number: not quoted in the error, which a scenario prints.
    if (!res.ok) throw new Error(`operator ${method} ${path.split('/').slice(0, 3).join('/')}/...: ${res.status}`);
    return res.status === 204 ? null : ((await res.json()) as T);
  };
  return {
    url,
    /** A new line with its first SIM (the card the subscriber puts in the phone). */
    newLine: async () => (await post<Sim>('/v1/lines'))!,
    /** The operator pairs the number with a new SIM (what a SIM-swap fraudster obtains); the old card stops working. */
    swap: async (msisdn: string) => (await post<SimChanged>(`/v1/lines/${encodeURIComponent(msisdn)}/swap`))!,
    /** The number is ported: a new SIM, as a port-in. */
    port: async (msisdn: string) => (await post<SimChanged>(`/v1/lines/${encodeURIComponent(msisdn)}/port`))!,
    /** The operator takes the SIM off the line. */
    removeSim: async (msisdn: string) => {
      await post(`/v1/lines/${encodeURIComponent(msisdn)}/sim`, 'DELETE');
    },
  };
}

/** Parts of every phone replaced at build time (the threat demonstrations' sabotage checks). */
export type PhoneOverrides = PhoneParts & Pick<BuildOptions, 'pinMaxTries'>;

/**
 * What the demo, the threat scenarios and the load tool share: the simulated OEM that builds
 * phones, and an operator connection to open and fund wallets. Phones talk to the backend only
 * through their own gRPC/mTLS clients, like real ones. `phones` replaces parts of every phone built.
 */
export async function connectWorld(pki: PkiPaths, addrs: Addresses, phones: PhoneOverrides = {}) {
  const oem = await Oem.load(pki);
  const operatorTls = readTls({ ca: pki.ca, cert: pki.cert('operator'), key: pki.key('operator') });
  const bootstrapTls = readTls({ ca: pki.ca, cert: pki.cert('bootstrap'), key: pki.key('bootstrap') });
  trustCaForFetch(operatorTls.ca);
  const fotaCa = addrs.fotaUrl ? readFileSync(pki.ca) : undefined;
  const operator = createClient(contracts().TransactionService, addrs.transactionAddr, operatorTls, 'transaction');
  const backends: Backend[] = [];
  const mno = addrs.mnoUrl && addrs.mnoToken ? mobileNetwork(addrs.mnoUrl, addrs.mnoToken) : undefined;

  return {
    /** When set, every phone built from now on reports its native UI frames here (narration). */
    onFrame: undefined as ((f: Frame) => void) | undefined,
    oem,
    operator,
    /** The mobile network (embedded stack only). */
    mno,
    bootstrapTls,
    /**
     * A new phone of a named profile, connected to the backend (optionally through `wrap`, to play a
     * network attacker; `bridge` observes its PC/SC hop; `imei` clones another phone's identity;
     * `wrapKeystore` replaces the daemon's keystore as firmware an attacker controls would; `wrapFota`
     * sits on its FOTA channel; `firmwareTrust` replaces its firmware controls, threat tests only).
     */
    async phone(
      profile: string,
      opts: {
        pin?: string;
        user?: PhoneUser;
        onStep?: (s: Step) => void;
        wrap?: (b: Backend) => Backend;
        bridge?: Bridge;
        handshake?: HandshakeRelay;
        imei?: string;
        wrapKeystore?: (k: DaemonKeystore) => DaemonKeystore;
        application?: AttestationRecord['application'];
        wrapFota?: (t: FotaTransport) => FotaTransport;
        firmwareTrust?: (key: CryptoKey) => FirmwareTrust;
        fotaLimits?: FotaLimits;
        sim?: Sim | null;
      } = {},
    ): Promise<Phone> {
      const real = grpcBackend({ ...addrs, bootstrapTls });
      backends.push(real);
      const pin = opts.pin ?? '2580';
      const fota = addrs.fotaUrl && fotaCa ? httpsTransport(addrs.fotaUrl, fotaCa) : undefined;
      const phone = await buildPhone({
        oem,
        profile,
        pin,
        user: opts.user ?? scriptedUser(pin),
        backend: opts.wrap ? opts.wrap(real) : real,
        onStep: opts.onStep,
        bridge: opts.bridge,
        imei: opts.imei,
        handshake: opts.handshake,
        ...phones,
        wrapKeystore: opts.wrapKeystore,
        application: opts.application,
        fotaTransport: fota && opts.wrapFota ? opts.wrapFota(fota) : fota,
        ...(opts.firmwareTrust ? { firmwareTrust: opts.firmwareTrust } : {}),
        fotaLimits: opts.fotaLimits,
        sim: opts.sim === null ? undefined : (opts.sim ?? (await mno?.newLine())),
      });
      if (this.onFrame) phone.ui.onFrame(this.onFrame);
      return phone;
    },
    /** Opens a wallet held by a device and funds it from the treasury. */
    async openWallet(
      accountId: string,
      holderDeviceId: string,
      minorUnits: number,
      currency: string,
      displayName = '',
    ): Promise<void> {
      await call(operator, operator.OpenAccount, {
        accountId,
        holderDeviceId,
        openingBalance: { minorUnits: String(minorUnits), currency },
        displayName,
      });
    },
    /** Opens a merchant account with no device and no funds. */
    async openMerchant(accountId: string, currency: string): Promise<void> {
      await call(operator, operator.OpenAccount, {
        accountId,
        holderDeviceId: '',
        openingBalance: { minorUnits: '0', currency },
      });
    },
    /**
     * A merchant tag as the operator issues it at onboarding: the payment request signed with the backend's result key.
     */
    async merchantTag(request: {
      payee: string;
      amount: { minorUnits: string; currency: string };
      reference?: string;
    }): Promise<SimulatedCard> {
      const key = await loadOrCreateSigningKey(dirname(pki.dir), 'transaction-result');
      const jws = await signJws(MERCHANT_TAG, request, key);
      return merchantTag(jws);
    },
    newId: (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`,
    close() {
      operator.close();
      for (const b of backends) b.close();
    },
  };
}

export type World = Awaited<ReturnType<typeof connectWorld>>;
