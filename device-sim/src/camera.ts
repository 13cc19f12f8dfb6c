import { DfsError } from '../../kit/src/errors.js';
import type { AccessPolicy, Caller } from './access-policy.js';

const same = (a: Caller, b: Caller) => a.process === b.process && a.uid === b.uid;

/**
 * Camera control (seed 000 §Disable camera): native callers may disable the camera for everyone;
 * only the caller that disabled it may enable it again.
 */
export class Camera {
  #disabledBy?: Caller;

  constructor(private readonly policy: AccessPolicy) {}

  /** disable_camera(): no one can use the camera until the same caller enables it. */
  disable(caller: Caller): void {
    this.policy.check(caller, 'camera.control');
    if (this.#disabledBy && !same(this.#disabledBy, caller))
      this.policy.refuse(caller, 'camera.control', 'CAMERA_NOT_INITIATOR');
    this.#disabledBy = caller;
  }

  /** enable_camera(): refused to anyone but the initiator of the disable. */
  enable(caller: Caller): void {
    this.policy.check(caller, 'camera.control');
    if (this.#disabledBy && !same(this.#disabledBy, caller))
      this.policy.refuse(caller, 'camera.control', 'CAMERA_NOT_INITIATOR');
    this.#disabledBy = undefined;
  }

  /** True while disabled. */
  get disabled(): boolean {
    return Boolean(this.#disabledBy);
  }

  /** Opens the camera for a caller allowed to use it. */
  open(caller: Caller): void {
    this.policy.check(caller, 'camera.use');
    if (this.#disabledBy) throw new DfsError('CAMERA_DISABLED');
  }
}
