"""The demo load generator: realistic cases through the real HTTP API.

`mix` draws each case's plan from a seed (channel, place, category, appeal type, tier, texts and how the
departments, the dispatcher, the visit operator and the supervisors will behave); `actors` are the people's
single actions over HTTP (functions of the portal and a case or task, reusable by benchmarks); `story`
drives one case through its plan; `runner` runs many stories at once and counts where they ended.
"""
