export * from './int-or-percent';
export * from './update-strategy';
export * from './toleration';
export * from './node-affinity';
export * from './host-mount';
export * from './agent-volume';
export * from './agent-container';
export * from './daemon-set';
