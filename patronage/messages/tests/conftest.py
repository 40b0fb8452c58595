from patronage.loyalty.tests.conftest import account, program  # noqa: F401
