import type { FieldViolation } from '@triad/platform';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/** The fewest characters a new password may have (checked with the other field rules, in `newUserInput`). */
export const MIN_PASSWORD_LENGTH = 10;
/**
 * zxcvbn's score runs from 0 (among the most common passwords) to 4. 2 means about 10^8 guesses or more:
 * out of reach of an online attacker held back by the sign-in throttle, and slow to crack offline behind scrypt.
 */
const MIN_SCORE = 2;

/**
 * The rules a new password must meet beyond its length, each with a message that says which one failed: not
 * the account's own email, and not guessable (the email and name count as known to the guesser) — judged by zxcvbn-ts with its common-password and English
 * dictionaries (lists drawn from leaked password sets), the maintained estimator many sign-up forms use.
 */
export class PasswordPolicy {
  private readonly estimator = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });

  /** The rule `password` breaks, as a violation of the `password` field, or `undefined` when it meets them all. */
  violation(password: string, account: { email: string; name: string }): FieldViolation | undefined {
    const broken = (description: string): FieldViolation => ({ field: 'password', description });
    const lowered = password.toLowerCase();
    const [localPart = ''] = account.email.split('@');
    if (lowered === account.email || lowered === localPart) return broken('must not be your email address');
    const { score, feedback } = this.estimator.check(password, [account.email, localPart, account.name]);
    if (score < MIN_SCORE) {
      const why = feedback.warning ? ` (${feedback.warning.replace(/\.$/, '')})` : '';
      return broken(`is too easy to guess${why}: add another word or two that are not a common phrase`);
    }
    return undefined;
  }
}
