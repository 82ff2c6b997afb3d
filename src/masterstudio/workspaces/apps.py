from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """The top floor: pages and commands that show or drive several business apps at once.

    Nothing below imports it (docs/ARCHITECTURE.md, "The floors").
    """

    name = "masterstudio.workspaces"
    label = "workspaces"
    verbose_name = "工作台：跨业务的页面与命令"
