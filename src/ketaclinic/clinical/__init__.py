"""KetaClinic's clinical core: pure Python, no Django.

Every rule the software applies to a patient lives here, with its source in the docstring:
ICHD-3 classification (:mod:`.ichd3`), resistant / refractory status (:mod:`.refractory`),
questionnaires (:mod:`.instruments`), dosing and limits (:mod:`.dosing`), diary endpoints
(:mod:`.diary`), vital-sign alerts (:mod:`.vitals`) and discharge scores (:mod:`.discharge`).
Input is parsed by the pydantic models of :mod:`.contracts`; bad input raises
:class:`.errors.ClinicalInputError`. The web apps and the command line both call these functions,
so a rule is written once.
"""
