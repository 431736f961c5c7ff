export * from './node-inventory';
export * from './placement-reason';
export * from './placement-preview';
export * from './rollout-plan';
