"""`ModuleList` and `ModuleDict`: a list and a dict of modules whose parameters the parent sees.

A plain Python list of layers hides them from ``parameters()``, ``state_dict()`` and ``to()``
(the tree walk only follows `Module` attributes); these containers register each entry under
its index or key, as PyTorch's do, so ``blocks.0.weight`` is a state-dict name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from course.nn.module import Module


def _checked(owner: str, module) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: expected a Module, got {type(module).__name__}")
    return module


class ModuleList(Module):
    """A list of modules, registered as ``"0"``, ``"1"`` ...; no forward of its own."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, i: int) -> int:
        n = len(self._modules)
        if not isinstance(i, int):
            raise TypeError(
                f"ModuleList indices must be integers or slices, not {type(i).__name__}"
            )
        if not -n <= i < n:
            raise IndexError(f"ModuleList index {i} is out of range for {n} modules")
        return i + n if i < 0 else i

    def _reset(self, modules: list[Module]) -> None:
        """Register ``modules`` again under 0..n-1 (after an insert or a delete)."""
        for name in list(self._modules):
            delattr(self, name)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def __getitem__(self, i):
        items = list(self._modules.values())
        if isinstance(i, slice):
            return ModuleList(items[i])
        return items[self._index(i)]

    def __setitem__(self, i: int, module: Module) -> None:
        self.add_module(str(self._index(i)), _checked("ModuleList.__setitem__", module))

    def __delitem__(self, i) -> None:
        items = list(self._modules.values())
        if isinstance(i, slice):
            del items[i]
        else:
            del items[self._index(i)]
        self._reset(items)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self._modules)), _checked("ModuleList.append", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        try:
            items = list(modules)
        except TypeError:
            raise TypeError(
                f"ModuleList.extend: expected an iterable of Modules, got {type(modules).__name__}"
            ) from None
        for m in items:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        items = list(self._modules.values())
        items.insert(index, _checked("ModuleList.insert", module))
        self._reset(items)


class ModuleDict(Module):
    """A dict of modules registered under their (string) keys, in insertion order."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no module {key!r}; keys are {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        _check_key(key)
        if key not in self._modules and hasattr(self, key):
            raise KeyError(f"ModuleDict: key {key!r} would hide the attribute of that name")
        self.add_module(key, _checked(f"ModuleDict[{key!r}]", module))

    def __delitem__(self, key: str) -> None:
        self[key]  # noqa: B018 - the KeyError that names the keys
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        for key in list(self._modules):
            del self[key]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for pair in pairs:
            key, module = _pair(pair)
            self[key] = module


def _check_key(key: object) -> None:
    if not isinstance(key, str) or not key or "." in key:
        raise KeyError(f"ModuleDict: a key must be a non-empty str without '.', got {key!r}")


def _pair(pair: object) -> tuple[str, Module]:
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise TypeError(f"ModuleDict.update: expected (key, module) pairs, got {pair!r}")
    return pair[0], pair[1]
