/**
 * A Falco rule priority, for `SecurityAgentProps.minimumPriority` (falco.yaml's `priority`):
 * Falco loads and runs only the rules of that priority or a more severe one. From the most
 * severe to the least, as Falco 0.44.1 parses them (`userspace/engine/falco_common.cpp`).
 */
export enum SecurityAgentPriority {
  /** Emergency. */
  EMERGENCY = 'emergency',
  /** Alert. */
  ALERT = 'alert',
  /** Critical. */
  CRITICAL = 'critical',
  /** Error. */
  ERROR = 'error',
  /** Warning. */
  WARNING = 'warning',
  /** Notice. */
  NOTICE = 'notice',
  /** Informational ("info" in rules files). */
  INFORMATIONAL = 'informational',
  /** Debug: every rule (Falco's default). */
  DEBUG = 'debug',
}
