"""Repainting only what changed: what a slow SSH link carries is what the app
repaints, so keys that move a cursor should not rebuild the whole footer."""

from __future__ import annotations


def bindings_state(screen) -> tuple:  # noqa: ANN001 - a Screen
    """Which keys the footer would show, and which of them are greyed out."""
    return tuple(
        (key, id(active.binding), active.enabled) for key, active in screen.active_bindings.items()
    )


class QuietBindings:
    """Mixin for a Screen whose keys depend on the highlighted row: the footer is
    rebuilt (every key, ~2 kB over SSH) only when a key's state really changed."""

    _shown_bindings: tuple | None = None

    def on_mount(self) -> None:
        self.bindings_updated_signal.subscribe(self, self._bindings_published)  # type: ignore[attr-defined]

    def _bindings_published(self, _screen: object) -> None:
        self._shown_bindings = bindings_state(self)

    def refresh_bindings_if_changed(self) -> None:
        if bindings_state(self) != self._shown_bindings:
            self.refresh_bindings()  # type: ignore[attr-defined]
