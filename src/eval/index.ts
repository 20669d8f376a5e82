export * from './linalg';
export * from './stats';
export * from './fid';
export * from './kid';
export * from './classes';
