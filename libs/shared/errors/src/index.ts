export * from './lib/cnos-error';
