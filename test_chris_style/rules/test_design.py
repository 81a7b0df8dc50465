import ast
import keyword
import textwrap
from typing import List, Tuple

import hypothesis
import hypothesis.strategies as st
import pytest

from chris_style.options import Options
from chris_style.plugin import check_tree
from chris_style.rules.design import (
    _decorator_last_name,
    _has_only_object_bases,
    _just_copies_parameters,
    _sole_init,
)

DESIGN_CODES = ("CHS801", "CHS802", "CHS804")


def _findings(source: str, filename: str = "module.py") -> List[Tuple[int, int, str]]:
    """(line, 1-based column, code) of each CHS8 finding, as flake8 prints them."""
    source = textwrap.dedent(source)
    findings = check_tree(ast.parse(source), filename, Options(), source.splitlines(keepends=True))
    return [
        (line, column + 1, message.split(" ", 1)[0])
        for line, column, message in findings if message.startswith(DESIGN_CODES)
    ]


def _messages(source: str) -> List[str]:
    source = textwrap.dedent(source)
    findings = check_tree(ast.parse(source), "module.py", Options(), source.splitlines(keepends=True))
    return [message for _, _, message in findings if message.startswith(DESIGN_CODES)]


def _class(source: str) -> ast.ClassDef:
    return ast.parse(textwrap.dedent(source)).body[0]  # type: ignore[return-value]


def _init(source: str) -> ast.FunctionDef:
    return _class(source).body[-1]  # type: ignore[return-value]


# -- CHS801 -------------------------------------------------------------------------------------------------


def test_WHEN_just_copies_parameters_AND_body_only_copies_THEN_true():
    # TEST: plain and annotated copies, in any order
    assert True == _just_copies_parameters(_init("""
        class Plan:
            def __init__(self, a: int, b: str = "x", *, c: float) -> None:
                self.c = c
                self.a: int = a
                self.b = b
    """))

    # TEST: a docstring in the __init__ and another name for self
    assert True == _just_copies_parameters(_init("""
        class Plan:
            def __init__(this, a, /, b):
                "Store them."
                this.a = a
                this.b = b
    """))


@pytest.mark.parametrize(
    "init",
    [
        "def __init__(self): pass",
        "def __init__(self): self.a = 0",
        "def __init__(): pass",
        "def __init__(self, a): pass",
        "def __init__(self, a, b): self.a = a",
        "def __init__(self, a): self.b = a",
        "def __init__(self, a): self._a = a",
        "def __init__(self, a, b):\n    self.a = a\n    self.b = b\n    self.c = 0",
        "def __init__(self, a, b):\n    self.a = a\n    self.a = a",
        "def __init__(self, a):\n    self.a = a\n    self.count = 0",
        "def __init__(self, a): self.a = self.b = a",
        "def __init__(self, a): other.a = a",
        "def __init__(self, a): self.a.b = a",
        "def __init__(self, a): self.a = a.strip()",
        "def __init__(self, a): self.a += a",
        "def __init__(self, a): self.a: int",
        "def __init__(self, a, *args): self.a = a",
        "def __init__(self, a, **kwargs): self.a = a",
        "def __init__(self, self_): self.self = self",
    ],
)
def test_WHEN_just_copies_parameters_AND_body_does_more_or_less_THEN_false(init):
    # Set up our test
    node = _init("class Plan:\n" + textwrap.indent(init, "    "))

    # Run our test / Check our results
    assert False == _just_copies_parameters(node)


def test_WHEN_sole_init_THEN_only_an_undecorated_init_beside_a_docstring_counts():
    # TEST: docstring and __init__
    assert "__init__" == _sole_init(_class('class A:\n    "Doc."\n    def __init__(self, a): self.a = a')).name

    # TEST: no docstring
    assert "__init__" == _sole_init(_class("class A:\n    def __init__(self, a): self.a = a")).name

    # TEST: another statement
    assert None is _sole_init(_class("class A:\n    x = 1\n    def __init__(self, a): self.a = a"))

    # TEST: a decorated __init__, an async one, another name
    assert None is _sole_init(_class("class A:\n    @wraps\n    def __init__(self, a): self.a = a"))
    assert None is _sole_init(_class("class A:\n    async def __init__(self, a): self.a = a"))
    assert None is _sole_init(_class("class A:\n    def setup(self, a): self.a = a"))

    # TEST: two docstrings: the second is a statement
    assert None is _sole_init(_class('class A:\n    "Doc."\n    "More."\n    def __init__(self, a): self.a = a'))


def test_WHEN_has_only_object_bases_THEN_empty_or_object_only():
    # TEST: accepted
    assert True == _has_only_object_bases(_class("class A: pass"))
    assert True == _has_only_object_bases(_class("class A(): pass"))
    assert True == _has_only_object_bases(_class("class A(object): pass"))

    # TEST: refused
    assert False == _has_only_object_bases(_class("class A(Base): pass"))
    assert False == _has_only_object_bases(_class("class A(object, Base): pass"))
    assert False == _has_only_object_bases(_class("class A(builtins.object): pass"))


def test_WHEN_plain_record_class_THEN_flagged_at_class_line_with_dataclass_hint():
    # Set up our test
    source = """
        class CaptureNodesPlan:
            def __init__(self, instance_type: str, desired_count: int) -> None:
                self.instance_type = instance_type
                self.desired_count = desired_count
    """

    # TEST: position
    assert [(2, 1, "CHS801")] == _findings(source)

    # TEST: message
    expected = ["CHS801 class 'CaptureNodesPlan' only stores its __init__ parameters; make it a @dataclass"]
    assert expected == _messages(source)


def test_WHEN_record_class_decorated_or_with_keyword_THEN_no_finding():
    # TEST: decorated (a dataclass, or anything else)
    assert [] == _findings("""
        @register
        class Plan:
            def __init__(self, a: int) -> None:
                self.a = a
    """)

    # TEST: a metaclass keyword
    assert [] == _findings("""
        class Plan(metaclass=Meta):
            def __init__(self, a: int) -> None:
                self.a = a
    """)


@pytest.mark.skipif(not hasattr(ast, "TypeVar"), reason="type parameters need Python 3.12")
def test_WHEN_record_class_has_type_parameters_THEN_still_flagged():
    # Run our test
    actual = _findings("""
        class Box[T]:
            def __init__(self, item: T) -> None:
                self.item = item
    """)

    # Check our results
    expected = [(2, 1, "CHS801")]
    assert expected == actual


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    names=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
            lambda name: not keyword.iskeyword(name) and name != "self"
        ),
        min_size=1, max_size=6, unique=True,
    ),
    data=st.data(),
)
def test_WHEN_init_copies_a_permutation_of_its_parameters_THEN_flagged_AND_dropping_one_copy_is_not(names, data):
    # Set up our test
    order = data.draw(st.permutations(names))
    signature = ", ".join(f"{name}: int" for name in names)
    copies = "".join(f"        self.{name} = {name}\n" for name in order)
    source = f"class Record:\n    def __init__(self, {signature}) -> None:\n{copies}"
    without_last = f"class Record:\n    def __init__(self, {signature}) -> None:\n{copies}        pass\n"
    dropped = "".join(f"        self.{name} = {name}\n" for name in order[1:]) or "        pass\n"
    missing_one = f"class Record:\n    def __init__(self, {signature}) -> None:\n{dropped}"

    # TEST: every parameter copied once, in any order
    assert [(1, 1, "CHS801")] == _findings(source)

    # TEST: an extra statement
    assert [] == _findings(without_last)

    # TEST: one parameter not copied
    assert [] == _findings(missing_one)


# -- CHS802 -------------------------------------------------------------------------------------------------


def test_WHEN_abstractmethod_in_plain_class_THEN_flagged_at_def_line_not_decorator():
    # Set up our test
    source = """
        from abc import abstractmethod


        class VniProvider:
            @abstractmethod
            def get_next_vni(self) -> int:
                pass
    """

    # TEST: position
    assert [(7, 5, "CHS802")] == _findings(source)

    # TEST: message
    expected = [
        "CHS802 '@abstractmethod' on 'get_next_vni' has no effect: class 'VniProvider' is not an ABC; "
        "derive it from abc.ABC"
    ]
    assert expected == _messages(source)


def test_WHEN_abstractmethod_imported_after_the_class_THEN_still_recognised():
    # Run our test
    actual = _findings("""
        class VniProvider:
            @abstractmethod
            def get_next_vni(self) -> int:
                pass


        from abc import abstractmethod
    """)

    # Check our results
    expected = [(4, 5, "CHS802")]
    assert expected == actual


def test_WHEN_abstractmethod_not_from_abc_THEN_no_finding():
    # TEST: not imported at all
    assert [] == _findings("""
        class VniProvider:
            @abstractmethod
            def get_next_vni(self) -> int:
                pass
    """)

    # TEST: imported from elsewhere
    assert [] == _findings("""
        from zope.interface import abstractmethod


        class VniProvider:
            @abstractmethod
            def get_next_vni(self) -> int:
                pass
    """)

    # TEST: an attribute of another module, and a three-part name
    assert [] == _findings("""
        import abc
        import interfaces


        class VniProvider:
            @interfaces.abstractmethod
            def get_next_vni(self) -> int:
                pass

            @abc.abstractmethod.inner
            def release(self) -> None:
                pass
    """)


def test_WHEN_method_has_two_abstract_decorators_THEN_reported_once():
    # Run our test
    actual = _findings("""
        import abc
        from abc import abstractmethod


        class VniProvider:
            @abc.abstractmethod
            @abstractmethod
            def get_next_vni(self) -> int:
                pass
    """)

    # Check our results
    expected = [(9, 5, "CHS802")]
    assert expected == actual


def test_WHEN_same_file_bases_form_a_cycle_THEN_no_finding():
    # Run our test: the second `Provider` names itself as its base (module-level names resolve to the last one)
    actual = _findings("""
        from abc import abstractmethod


        class Provider:
            pass


        class Provider(Provider):
            @abstractmethod
            def get(self) -> int:
                pass
    """)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_base_is_both_imported_and_defined_THEN_treated_as_unknown():
    # Run our test
    actual = _findings("""
        from abc import abstractmethod
        from shapes import Base


        class Base:
            pass


        class Shape(Base):
            @abstractmethod
            def area(self) -> float:
                pass
    """)

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_diamond_of_same_file_bases_THEN_abc_anywhere_silences_AND_plain_everywhere_flags():
    # Set up our test
    template = """
        from abc import ABC, abstractmethod


        class Root{root_bases}:
            pass


        class Left(Root):
            pass


        class Right(Root, object):
            pass


        class Shape(Left, Right):
            @abstractmethod
            def area(self) -> float:
                pass
    """

    # TEST: plain all the way up
    assert [(19, 5, "CHS802")] == _findings(template.format(root_bases=""))

    # TEST: the shared root is an ABC
    assert [] == _findings(template.format(root_bases="(ABC)"))


@pytest.mark.parametrize("depth", [1, 3000])
def test_WHEN_chain_of_same_file_classes_is_deep_THEN_resolved_without_recursion(depth):
    # Set up our test
    classes = "".join(f"class Level{number}(Level{number - 1}):\n    pass\n\n\n" for number in range(1, depth + 1))
    method = f"class Leaf(Level{depth}):\n    @abstractmethod\n    def area(self) -> float:\n        pass\n"
    plain = f"from abc import ABC, abstractmethod\n\n\nclass Level0:\n    pass\n\n\n{classes}{method}"
    abstract = plain.replace("class Level0:", "class Level0(ABC):")
    leaf_def_line = plain.count("\n") - 1  # The last line is `pass`

    # TEST: a plain root: flagged
    assert [(leaf_def_line, 5, "CHS802")] == _findings(plain)

    # TEST: an ABC root: silent
    assert [] == _findings(abstract)


# -- CHS804 -------------------------------------------------------------------------------------------------


def test_WHEN_decorator_last_name_THEN_last_identifier_of_dotted_name_or_call():
    # Set up our test
    decorators = ast.parse(textwrap.dedent("""
        @classmethod
        @builtins.staticmethod
        @functools.lru_cache(maxsize=None)
        @registry[0]
        def f(): pass
    """)).body[0].decorator_list  # type: ignore[attr-defined]

    # Run our test
    actual = [_decorator_last_name(decorator) for decorator in decorators]

    # Check our results
    expected = ["classmethod", "staticmethod", "lru_cache", None]
    assert expected == actual


def test_WHEN_from_dict_is_instance_method_THEN_flagged_at_def_line():
    # Set up our test
    source = """
        class UserConfig:
            @abc.abstractmethod
            def from_dict(self, d: dict) -> "UserConfig":
                pass
    """

    # TEST: position
    assert [(4, 5, "CHS804")] == _findings(source)

    # TEST: message
    expected = ["CHS804 'from_dict' builds an instance from data; make it a @classmethod that returns cls(...)"]
    assert expected == _messages(source)


@pytest.mark.parametrize(
    "decorator",
    ["@classmethod", "@staticmethod", "@builtins.classmethod", "@abc.abstractclassmethod", "@abstractstaticmethod",
     "@property", "@cached_classproperty", "@functools.lru_cache()", "@registry[0]"],
)
def test_WHEN_from_json_has_class_level_or_unknown_decorator_THEN_no_finding(decorator):
    # Run our test
    actual = _findings(f"class UserConfig:\n    {decorator}\n    def from_json(cls, raw: str) -> None:\n        pass\n")

    # Check our results
    expected: List[Tuple[int, int, str]] = []
    assert expected == actual


def test_WHEN_from_json_in_class_with_external_base_THEN_no_finding_AND_marker_base_still_flagged():
    # TEST: a third-party base
    assert [] == _findings("""
        from marshmallow import Schema


        class PlanSchema(Schema):
            def from_json(self, raw: str) -> dict:
                return {}
    """)

    # TEST: a marker base is not a framework
    assert [(6, 5, "CHS804")] == _findings("""
        from abc import ABC


        class Plan(ABC):
            def from_json(self, raw: str) -> "Plan":
                return self
    """)
