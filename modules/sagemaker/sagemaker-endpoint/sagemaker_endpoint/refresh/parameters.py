"""Model refresh: load the model data again after a new upload over the object the endpoint serves."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RefreshParameters(BaseModel):
    refresh_on_model_data_change: bool = False
    refresh_debounce_seconds: int = Field(60, ge=0, le=900)
