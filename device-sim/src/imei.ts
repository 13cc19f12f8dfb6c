import { randomInt } from 'node:crypto';

/** The Luhn check digit of a digit string. */
export function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for a 15-digit IMEI whose last digit is its Luhn check digit. */
export function isValidImei(imei: string): boolean {
  return /^\d{15}$/.test(imei) && luhnDigit(imei.slice(0, 14)) === Number(imei[14]);
}

/** A random valid IMEI under a test TAC. */
export function randomImei(): string {
  const body = '35' + Array.from({ length: 12 }, () => randomInt(10)).join('');
  return body + luhnDigit(body);
}
