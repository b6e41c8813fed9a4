"""The facade's managers: one small class per concern, each owning no state but what `core.Core` shares."""
