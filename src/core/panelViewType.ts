// Alone in its file so that the activation bundle, which registers the panel's serializer, can name the
// panel without loading the protocol's validators.

/** The view type of the range-test panel (its serializer and createWebviewPanel both use it). */
export const PANEL_VIEW_TYPE = 'cyclicalLr.panel';
