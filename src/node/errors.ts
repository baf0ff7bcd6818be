/** Errors aggregate() rejects with: the session core defines them, the service re-exports them. */
export { InvalidUpdateError, NotJoinedError, RoundFailedError, UpdatePendingError, type RoundFailure } from '../protocol/session/errors.js'
export { PrivacyBudgetError } from '../protocol/dp/budget.js'
