"""The LLM layer (OpenAI-compatible client, prompts, quotas). Built by the premium/LLM issue."""
