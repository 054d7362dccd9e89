"""Motion representations: dm-v1 (ours) and the HumanML3D 263 layout (import only)."""
