"""Extending the agent's FastAPI app: include_router, mount(router, prefix=) and a dependency."""

from fastapi import APIRouter, Depends, Header, HTTPException

from signalwire import AgentBase
from signalwire.core.function_result import FunctionResult

agent = AgentBase(name="shop", route="/shop")
agent.prompt_add_section("Role", "You take orders.")


@agent.tool(description="Place an order")
def place_order(item: str):
    return FunctionResult(f"Ordered one {item}.")


def require_key(x_api_key: str = Header("")):
    if x_api_key != "letmein":
        raise HTTPException(status_code=403, detail="bad key")


admin = APIRouter(dependencies=[Depends(require_key)])


@admin.get("/orders")
def list_orders():
    return {"orders": []}


status = APIRouter()


@status.get("/status")
def shop_status():
    return {"open": True}


agent.mount(admin, prefix="/admin")
app = agent.get_app()
app.include_router(status)

if __name__ == "__main__":
    agent.run()
