"""Serve without the libraries fastai imports but never uses to classify a photo.

Loading a fastai learner imports pandas, SciPy, scikit-learn and matplotlib (for tabular data, metrics
and plots): ~110 MB of memory, ~1.8 s of start-up and ~200 MB of container image that classifying
never touches. A serving process calls `leave_out_unused_libraries()` before it imports the classifier;
from then on those names import as stand-ins, whether or not the libraries are installed (the container
doesn't install them). Training never calls it: it draws plots and reads tables.

In a stand-in every attribute is an empty class: nothing is an instance of it, so fastai's type checks
and annotations work. Calling one at a module's top level (fastai configures pandas as it loads) does
nothing; calling one anywhere else raises ModuleNotFoundError, so code that really needs the library
fails loudly instead of getting a wrong answer.
"""

import importlib.abc
import importlib.machinery
import sys
import types

UNUSED_BY_CLASSIFYING = ("matplotlib", "pandas", "scipy", "sklearn")


class _LeftOutClass(type):
    """The metaclass of everything in a stand-in: its attributes are more empty classes."""

    def __getattr__(cls, name: str) -> type:
        return _stand_in_attribute(cls, cls.__module__, f"{cls.__qualname__}.{name}")

    def __call__(cls, *args, **kwargs) -> None:
        if sys._getframe(1).f_code.co_name != "<module>":
            raise ModuleNotFoundError(f"{cls.__module__}.{cls.__qualname__}: {_why(cls.__module__)}")


class _LeftOutModule(types.ModuleType):
    def __getattr__(self, name: str) -> type:
        return _stand_in_attribute(self, self.__name__, name)


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers every import of the left-out libraries, and their submodules, with a stand-in."""

    def __init__(self, libraries: tuple[str, ...]) -> None:
        self.libraries = frozenset(libraries)

    def find_spec(self, fullname, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] not in self.libraries:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _LeftOutModule(spec.name, _why(spec.name))

    def exec_module(self, module: types.ModuleType) -> None:
        module.__path__ = []  # a package, so that its submodules import too


def leave_out_unused_libraries(libraries: tuple[str, ...] = UNUSED_BY_CLASSIFYING) -> None:
    """Import `libraries` as stand-ins in this process from now on; idempotent, and only before first use."""
    imported = [name for name in libraries if name in sys.modules and not is_stand_in(sys.modules[name])]
    if imported:
        raise RuntimeError(f"too late to leave out {imported}: already imported")
    if not any(isinstance(finder, _StandInFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StandInFinder(libraries))


def _stand_in_attribute(owner: object, module: str, qualname: str) -> type:
    """A new empty class for `owner`'s attribute `qualname`, kept there: `pd.DataFrame is pd.DataFrame`."""
    name = qualname.rpartition(".")[2]
    if name.startswith("__"):
        raise AttributeError(name)
    child = _LeftOutClass(name, (), {"__module__": module, "__qualname__": qualname})
    setattr(owner, name, child)
    return child


def is_stand_in(module: types.ModuleType) -> bool:
    """Whether `module` is a stand-in for a left-out library rather than the library itself."""
    return isinstance(module, _LeftOutModule)


def _why(module: str) -> str:
    return f"{module.partition('.')[0]} is left out of this process (model.left_out)"
