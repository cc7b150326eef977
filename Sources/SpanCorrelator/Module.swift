// Placeholder so the module builds; replaced by the real stage.
