"""The prompt object model as a standalone document: ``PromptObjectModel`` and ``Section``.

The counterpart of the vendor's ``signalwire.pom``: build a prompt as a tree of
sections, read and write it as JSON or YAML (YAML needs PyYAML, the ``yaml`` extra),
render it as Markdown or XML, and hand ``to_dict()`` to ``AgentBase.set_prompt_pom``.
The ``pom-tool`` command converts POM files from the shell.
"""

from signalwire.agents._pom_model import PromptObjectModel, Section

__all__ = ["PromptObjectModel", "Section"]
