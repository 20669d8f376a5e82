export * from './config';
export * from './model';
export * from './train';
export * from './checkpoint';
export * from './fit';
