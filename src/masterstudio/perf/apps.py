from django.apps import AppConfig


class PerfConfig(AppConfig):
    name = "masterstudio.perf"
    label = "perf"
    verbose_name = "性能：数据生成与基准测试"
