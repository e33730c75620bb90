export * from './engine/projection';
export * from './engine/projection-runner';
export * from './parcours-view/view';
export * from './parcours-view/parcours.projection';
