from ninja import NinjaAPI

from masterstudio.api.policy import router as policy_router

api = NinjaAPI(
    title="经开区技能大师工作室管理平台 接口",
    version="1.0",
    description="政策计算器（无需登录）：依据《北京经济技术开发区技能大师工作室建设管理办法（试行）》。",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/policy", policy_router)
