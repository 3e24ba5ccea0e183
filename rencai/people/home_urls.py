"""Empty: the 工作台 became the 驾驶舱 (rencai.cockpit, URL name "home" at /home/). This module
stays only while people/domain.py names it as `root_urls`; remove both together."""

urlpatterns: list = []
