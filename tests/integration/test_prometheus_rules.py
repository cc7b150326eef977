"""dashboards/prometheus/alerts.yml (the seed's 4 recommended alerts as Prometheus rules) with
Prometheus' own `promtool` (Debian `prometheus`): the rules load, their unit tests in
alerts_test.yml pass, and those unit tests fail when a rule is broken in a way that matters
(each mutation below must make `promtool test rules` fail). The Grafana dashboard's PromQL is
also checked for syntax by loading it as recording rules.
"""
import json
import re
import shutil
import subprocess

import pytest

from conftest import REPO

RULES_DIR = REPO / "dashboards" / "prometheus"
ALERTS = RULES_DIR / "alerts.yml"
ALERTS_TEST = RULES_DIR / "alerts_test.yml"
GRAFANA = REPO / "dashboards" / "grafana" / "tracetail.json"

# The seed's monitors (shared/seed/datadog-integration.md "Recommended Alerts") and the rule that
# carries each, with the metrics it must read.
SEED_ALERTS = {
    "TraceTailHighErrorRate": ({"cta_error_rate"}, "> 0.1"),
    "TraceTailSlowMTTR": ({"cta_mttr_seconds"}, "> 30"),
    "TraceTailCanaryTestFailures": ({"cta_canary_tests_total"}, "> 0"),
    "TraceTailLowPromotionSuccessRate": ({"cta_promotions_success_total", "cta_rollbacks_count_total"}, "< 0.8"),
}


def promtool(*args, cwd=None):
    if shutil.which("promtool") is None:
        pytest.fail("promtool is missing: scripts/install-deps.sh --with-daemon-tests installs Debian prometheus")
    return subprocess.run(["promtool", *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)


def load_rules(path):
    import yaml  # PyYAML: a dependency of ddapm-test-agent (scripts/install-deps.sh)

    return yaml.safe_load(path.read_text())


def test_rules_load():
    r = promtool("check", "rules", ALERTS)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS: 4 rules found" in r.stdout


def test_rules_are_the_seed_alerts_with_labels_and_annotations():
    rules = [rule for group in load_rules(ALERTS)["groups"] for rule in group["rules"]]
    assert [r.get("alert") for r in rules] == list(SEED_ALERTS)
    for rule in rules:
        metrics, comparison = SEED_ALERTS[rule["alert"]]
        expr = " ".join(rule["expr"].split())
        assert set(re.findall(r"\bcta_[a-z0-9_]+", expr)) == metrics, rule["alert"]
        assert expr.endswith(comparison), (rule["alert"], expr)
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert rule["labels"]["source"] == "tracetail"
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    by_name = {r["alert"]: " ".join(r["expr"].split()) for r in rules}
    assert 'cta_error_rate{phase="before_fix"}[5m]' in by_name["TraceTailHighErrorRate"]
    assert "cta_mttr_seconds[10m]" in by_name["TraceTailSlowMTTR"]
    assert 'cta_canary_tests_total{passed="false"}[5m]' in by_name["TraceTailCanaryTestFailures"]
    promo = by_name["TraceTailLowPromotionSuccessRate"]
    assert "cta_promotions_success_total[1h]" in promo and "cta_rollbacks_count_total[1h]" in promo
    # Rollbacks default to 0 (Datadog's default_zero): the rollback term ends in `or vector(0)`.
    assert re.search(r"cta_rollbacks_count_total\[1h\]\) \* 0\) \) or vector\(0\)", promo), promo


def test_unit_tests_pass():
    r = promtool("test", "rules", ALERTS_TEST.name, cwd=RULES_DIR)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS" in r.stdout


def test_unit_tests_cover_every_alert_firing_and_not_firing():
    tests = load_rules(ALERTS_TEST)
    assert tests["rule_files"] == ["alerts.yml"]
    fired, quiet = set(), set()
    for test in tests["tests"]:
        for case in test.get("alert_rule_test", []):
            (fired if case["exp_alerts"] else quiet).add(case["alertname"])
    assert fired == set(SEED_ALERTS) and quiet == set(SEED_ALERTS)


# Canary failures and promotions the way increase() counts them: blind to a series that appears at
# 1 and never moves, which is what a run's first failed canary or a promotion looks like.
NAIVE_CANARY = 'sum by (run_id) (increase(cta_canary_tests_total{passed="false"}[5m])) > 0'
NAIVE_PROMOTIONS = (
    "sum(increase(cta_promotions_success_total[1h])) / (sum(increase(cta_promotions_success_total[1h]))"
    " + (sum(increase(cta_rollbacks_count_total[1h])) or vector(0))) < 0.8"
)


def replace_expr(text, alert, new_expr):
    """alerts.yml with the expr of `alert` replaced by a one-line `new_expr`."""
    pattern = re.compile(r"(- alert: %s\n\s+expr: )\|\n(?:\s{10}.*\n)+" % alert)
    assert pattern.search(text), alert
    return pattern.sub(lambda m: m.group(1) + "'" + new_expr + "'\n", text, count=1)


MUTATIONS = {
    "error rate without the phase filter": lambda t: t.replace('cta_error_rate{phase="before_fix"}', "cta_error_rate"),
    "error rate threshold 0.4": lambda t: t.replace(") > 0.1", ") > 0.4"),
    "error rate over 1m": lambda t: t.replace('{phase="before_fix"}[5m]', '{phase="before_fix"}[1m]'),
    "error rate per run too": lambda t: t.replace("avg by (service) (", "avg by (service, run_id) (", 1),
    "mttr over 5m": lambda t: t.replace("cta_mttr_seconds[10m]", "cta_mttr_seconds[5m]"),
    "mttr threshold 400": lambda t: t.replace(") > 30", ") > 400"),
    "canary counts passed tests": lambda t: t.replace('passed="false"', 'passed="true"'),
    "canary with increase()": lambda t: replace_expr(t, "TraceTailCanaryTestFailures", NAIVE_CANARY),
    "canary over 10m": lambda t: t.replace('{passed="false"}[5m]', '{passed="false"}[10m]').replace(
        '{passed="false"} offset 5m', '{passed="false"} offset 10m'
    ),
    "promotion rate at or below 0.8": lambda t: t.replace("< 0.8", "<= 0.8"),
    "promotions with increase()": lambda t: replace_expr(t, "TraceTailLowPromotionSuccessRate", NAIVE_PROMOTIONS),
    "promotions without the start value": lambda t: t.replace(
        "cta_promotions_success_total offset 1h or max_over_time(cta_promotions_success_total[1h]) * 0",
        "max_over_time(cta_promotions_success_total[1h]) * 0",
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_unit_tests_catch_a_broken_rule(tmp_path, name):
    original = ALERTS.read_text()
    mutated = MUTATIONS[name](original)
    assert mutated != original, f"mutation {name!r} changed nothing"
    (tmp_path / "alerts.yml").write_text(mutated)
    shutil.copy(ALERTS_TEST, tmp_path / "alerts_test.yml")
    check = promtool("check", "rules", "alerts.yml", cwd=tmp_path)
    assert check.returncode == 0, f"mutation {name!r} is not a valid rule file: {check.stdout}{check.stderr}"
    r = promtool("test", "rules", "alerts_test.yml", cwd=tmp_path)
    assert r.returncode != 0, f"the unit tests still pass with {name!r}:\n{r.stdout}"
    assert "FAILED" in r.stdout + r.stderr


# Grafana's variables, as a dashboard with "All" selected and a 1 h range would substitute them.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__range": "1h", "$__interval": "15s", "$service": ".*", "$run_id": ".*"}


def grafana_exprs():
    dashboard = json.loads(GRAFANA.read_text())
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("expr", "query") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(dashboard)
    return found


def substitute(expr):
    for var in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(var, GRAFANA_VARIABLES[var])
    return expr


def test_grafana_promql_parses(tmp_path):
    import yaml

    exprs = [substitute(e) for e in grafana_exprs() if not e.startswith("label_values(")]
    assert len(exprs) >= 15
    assert not [e for e in exprs if "$" in e], "a Grafana variable this test does not substitute"
    rules = {"groups": [{"name": "grafana", "rules": [{"record": f"grafana:expr{i}", "expr": e} for i, e in enumerate(exprs)]}]}
    path = tmp_path / "grafana-exprs.yml"
    path.write_text(yaml.safe_dump(rules))
    r = promtool("check", "rules", path)
    assert r.returncode == 0, r.stdout + r.stderr
