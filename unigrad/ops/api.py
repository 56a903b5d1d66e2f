"""The ug.<name> namespace of op functions. Registering an op binds its public function here
(ops/bindings.py); op files import this module as `F` and call F.<op> inside backward rules,
resolved at call time, so the families can refer to each other. It lists nothing itself."""
__all__ = []
