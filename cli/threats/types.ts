import type { EventBus } from '../../kit/src/events.js';
import type { IdentityKind } from '../../kit/src/identity.js';
import type { TlsMaterial } from '../../kit/src/tls.js';
import type { StackOverrides } from '../stack.js';
import type { PhoneOverrides, World } from '../world.js';

/**
 * BLOCKED/DETECTED: stopped by the named control; SUCCEEDED: the attacker
 * got what he was after; UNEXPECTED: stopped, but not by the named control.
 */
export type Outcome = 'BLOCKED' | 'DETECTED' | 'SUCCEEDED' | 'UNEXPECTED' | 'NOT_BUILT';
export type Recommendation = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8' | 'R9';

/**
 * Where the attacker stands: on the network or the internet,
 * holding or running code on the phone, or inside the operator.
 */
export type Label = 'remote' | 'on-device' | 'insider';

/** One observed fact: a balance, a status, a count, a device state. */
export type Fact = string | number | boolean | null;

/** What playing a scenario observed; nothing in it is written by the scenario's author ahead of the run. */
export interface Observation {
  /**
   * The stable code the control answered with, as received (from
   * the wire or the device API); null when no error came back.
   */
  code: string | null;
  /**
   * Whether the attacker got what he was after, judged from the facts (money, ledger, device state), never from a code.
   */
  achieved: boolean;
  /** Facts read during the run, before and after the attack. */
  evidence: Record<string, Fact>;
  /** What was done, in order. */
  steps: string[];
  /** Set when the scenario cannot be played from here (never counted as passed). */
  notBuilt?: string;
}

/** What a scenario may use: the addresses of the stack and the world around it (OEM, operator, phones). */
export interface Context {
  world: World;
  attestationAddr: string;
  transactionAddr: string;
  /** The stack's event bus, to wait until what was published has been consumed (embedded stack only). */
  bus?: EventBus;
  /** The integrator REST API and a registered integrator's key (seed 003 scenarios). */
  integrator?: { url: string; apiKey: string };
  /** The attestation operator API (device revocation) and its bearer token. */
  operator?: { url: string; token: string };
  /** The risk service: its gRPC address and its HTTP API (decision trails); embedded stack only. */
  /** The risk service: its gRPC address, its HTTP base URL and its operator token (rules, decision trails). */
  risk?: { addr: string; url: string; token: string };
  /**
   * A service's mTLS identity (certificate and key) as an insider
   * with access to its host holds it; embedded stack only.
   */
  serviceTls?: (service: string) => TlsMaterial;
  /**
   * A client certificate naming `spiffe://dfs.local/<kind>/<name>`, minted with the device CA's key as
   * an insider on the attestation host (which holds it to enroll phones) can; embedded stack only.
   */
  deviceCaTls?: (kind: IdentityKind, name: string) => Promise<TlsMaterial>;
  /** Where the OEM publishes the attestation status list the attestation service reloads; embedded stack only. */
  statusListFile?: string;
  /** Narrates one step (shown with --only). */
  say(line: string): void;
}

/** Ports replaced at wiring time: in the services (stack) and in every phone built. */
export interface Overrides {
  stack?: StackOverrides;
  phones?: PhoneOverrides;
  /** Configuration the services read at start-up (e.g. a rules file without one rule). */
  env?: Record<string, string>;
}

/**
 * How a scenario's one control is replaced at wiring time: by a permissive variant (the sabotage
 * check: the attack must then succeed), or by a stub that refuses with a code of its own (the report
 * must then show that code, which proves codes are observed, not written down).
 */
export interface ControlPort {
  /** The control turned off, in words. */
  off: string;
  permit(): Overrides;
  stub(code: string): Overrides;
}

/** A named attack, played through the interfaces an attacker has, mapped to the control that stops it. */
export interface Scenario {
  id: string;
  title: string;
  label: Label;
  /** What the attacker does. */
  action: string;
  /** The control expected to stop it. */
  control: string;
  recommendations: Recommendation[];
  masvs: string;
  seed: string;
  /** The code the control is expected to answer with (null: silence), and whether that blocks or detects the attack. */
  expect: { code: string | null; outcome: 'BLOCKED' | 'DETECTED' };
  /** DETECTED only: what detects it and what the attack still did. */
  detectedBy?: string;
  /** What the attacker gets when the control is off: the evidence the sabotage check requires. */
  success: string;
  /** The port that replaces the control (sabotage check and stub check). */
  port: ControlPort;
  /** Two or three sentences for a presenter. */
  story: string;
  run(ctx: Context): Promise<Observation>;
}

/** A scenario played: its catalog entry, what was observed, and the verdict. */
export type Played = Scenario & { observed: Observation; outcome: Outcome };
