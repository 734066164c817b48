"""signalwire.agents.prefabs: ready-made agents for common call flows.

Each is an :class:`~signalwire.agents.AgentBase` subclass configured by its
constructor (extra keyword arguments go to ``AgentBase``)::

    from signalwire.agents.prefabs import ReceptionistAgent

    agent = ReceptionistAgent(departments=[
        {"name": "sales", "description": "New orders", "number": "+15551230001"},
    ])
    agent.run()
"""

from __future__ import annotations

from signalwire.agents.prefabs.concierge import ConciergeAgent
from signalwire.agents.prefabs.faq_bot import FAQBotAgent
from signalwire.agents.prefabs.info_gatherer import InfoGathererAgent
from signalwire.agents.prefabs.receptionist import ReceptionistAgent
from signalwire.agents.prefabs.survey import SurveyAgent

__all__ = [
    "ConciergeAgent",
    "FAQBotAgent",
    "InfoGathererAgent",
    "ReceptionistAgent",
    "SurveyAgent",
]
