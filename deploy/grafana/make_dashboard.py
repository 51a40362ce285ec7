#!/usr/bin/env python3
"""Writes deploy/grafana/dashboards/forewarn.json (run after changing a panel; the JSON is committed)."""
import json, os

# Every expression filters on $service (all by default), so one service's panels can be looked at alone.
S = 'service=~"$service"'

PANELS = [
    # (title, unit, [(expr, legend)])
    ("Up and ready", "short", [
        ('sum by (job) (up{job="forewarn"})', "instances up"),
        ('sum by (service) (forewarn_ready{' + S + '})', "ready {{service}}"),
        ('sum by (service) (forewarn_streams_running{' + S + '})', "Streams running {{service}}")]),
    ("HTTP 5xx and 503 /s", "ops", [
        ('sum by (service, status) (rate(http_server_requests_seconds_count{' + S + ', status=~"5.."}[5m]))', "{{service}} {{status}}")]),
    ("Ingest: events accepted /s", "ops", [('sum by (type) (rate(forewarn_ingest_events_total{outcome="accepted"}[1m]))', "{{type}}")]),
    ("Ingest: rejected and failed /s", "ops", [('sum by (type, outcome, reason) (rate(forewarn_ingest_events_total{outcome!="accepted"}[5m]))', "{{type}} {{outcome}} {{reason}}")]),
    ("Scoring: signals scored /s", "ops", [("sum by (entity, kind) (rate(forewarn_scoring_signals_total[1m]))", "{{entity}} {{kind}}")]),
    ("Streams: records processed /s", "ops", [("sum by (service) (kafka_stream_thread_process_rate)", "{{service}}")]),
    ("Streams: consumer lag (max records)", "short", [("max by (service) (kafka_consumer_fetch_manager_records_lag_max)", "{{service}}")]),
    ("Scoring: event-time lag p99", "s", [("histogram_quantile(0.99, sum by (le) (rate(forewarn_scoring_event_lag_seconds_bucket[5m])))", "p99")]),
    ("Risk score distribution", "short", [
        ("histogram_quantile(0.5, sum by (le, entity) (rate(forewarn_scoring_score_bucket[5m])))", "p50 {{entity}}"),
        ("histogram_quantile(0.9, sum by (le, entity) (rate(forewarn_scoring_score_bucket[5m])))", "p90 {{entity}}"),
        ("histogram_quantile(0.99, sum by (le, entity) (rate(forewarn_scoring_score_bucket[5m])))", "p99 {{entity}}")]),
    ("Risk transitions /min", "short", [("sum by (kind, level) (rate(forewarn_scoring_transitions_total[5m])) * 60", "{{kind}} {{level}}")]),
    # Every alerting instance reports the same global view: take one instance's count, do not add them up.
    ("Alerts by state", "short", [("max by (state) (forewarn_alerting_alerts)", "{{state}}")]),
    ("Notifications by outcome /min", "short", [("sum by (channel, outcome) (rate(forewarn_alerting_notifications_total[5m])) * 60", "{{channel}} {{outcome}}")]),
    ("Delivery latency p99 (one attempt)", "s", [("histogram_quantile(0.99, sum by (le, channel) (rate(forewarn_alerting_delivery_seconds_bucket[5m])))", "{{channel}}")]),
    ("Signal to notification delay p99", "s", [("histogram_quantile(0.99, sum by (le, kind) (rate(forewarn_alerting_end_to_end_delay_seconds_bucket[5m])))", "{{kind}}")]),
    ("Notifications failed and undeliverable (1 h)", "short", [
        ('sum by (channel) (increase(forewarn_alerting_notifications_total{outcome="FAILED"}[1h]))', "failed {{channel}}"),
        ("sum by (channel) (increase(forewarn_alerting_undeliverable_total[1h]))", "undeliverable {{channel}}")]),
    ("Pipeline latency p99 (from ingest)", "s", [
        ("histogram_quantile(0.99, sum by (le) (rate(forewarn_scoring_pipeline_latency_seconds_bucket[5m])))", "to scoring"),
        ('histogram_quantile(0.99, sum by (le, kind) (rate(forewarn_alerting_pipeline_latency_seconds_bucket{kind=~"FIRING|ESCALATED"}[5m])))',
         "to alerting's {{kind}} decision")]),
    ("DLQ records (1 h)", "short", [
        ("sum by (topic, reason) (increase(forewarn_scoring_dlq_total[1h]))", "{{topic}} {{reason}}"),
        ("sum (increase(forewarn_alerting_outbox_unreadable_total[1h]))", "alerting outbox unreadable"),
        # From the broker (the kafka-exporter service): records written to every DLQ topic, alerts.dlq included.
        ('sum by (topic) (delta(kafka_topic_partition_current_offset{topic=~".*\\\\.dlq"}[1h]))', "{{topic}} (broker)")]),
    ("HTTP p99 by route", "s", [("histogram_quantile(0.99, sum by (le, service, uri) (rate(http_server_requests_seconds_bucket{' + S + '}[5m])))", "{{service}} {{uri}}")]),
    ("JVM heap used", "bytes", [('sum by (service) (jvm_memory_used_bytes{' + S + ', area="heap"})', "{{service}}")]),
]

panels = []
for i, (title, unit, targets) in enumerate(PANELS):
    panels.append({
        "id": i + 1, "type": "timeseries", "title": title,
        "datasource": {"type": "prometheus", "uid": "prometheus"},
        "gridPos": {"h": 8, "w": 8, "x": (i % 3) * 8, "y": (i // 3) * 8},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
        "targets": [{"refId": chr(65 + j), "expr": e, "legendFormat": l,
                     "datasource": {"type": "prometheus", "uid": "prometheus"}} for j, (e, l) in enumerate(targets)],
    })

dashboard = {"uid": "forewarn", "title": "Forewarn pipeline", "tags": ["forewarn"], "timezone": "browser",
             "schemaVersion": 39, "version": 1, "refresh": "10s", "time": {"from": "now-1h", "to": "now"},
             "panels": panels,
             "templating": {"list": [{
                 "name": "service", "label": "service", "type": "query",
                 "datasource": {"type": "prometheus", "uid": "prometheus"},
                 "query": {"query": "label_values(forewarn_ready, service)", "refId": "service"},
                 "definition": "label_values(forewarn_ready, service)",
                 "includeAll": True, "multi": True, "allValue": ".*",
                 "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "refresh": 2}]}}
out = os.path.join(os.path.dirname(__file__), "dashboards", "forewarn.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=2)
    f.write("\n")
