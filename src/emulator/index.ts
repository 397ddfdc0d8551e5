/**
 * The local Microsoft 365 emulator (Node only; core never imports it): identity, Microsoft Graph,
 * the Office 365 Management Activity API and Outlook REST Activities over HTTPS on 127.0.0.1,
 * serving a deterministic BEC scenario with fault injection. See docs/emulator.md.
 */
export { startEmulator, type RunningEmulator } from './emulator';
export { generateScenario, Scenario, SCENARIOS, DEFAULT_END, RETENTION_DAYS, type ScenarioConfig } from './scenario/scenario';
export { exportScenario, type ExportResult } from './export';
export { FAULT_PROFILES, DEFAULT_RATE_LIMITS, resolveFaultProfile } from './faults';
export { createTrustingNetworkClient, emulatorFetch, type RecordedRequest } from './client';
export * from './types';
export { appToken, call, followGraph, type EmulatorResource } from './testing';
