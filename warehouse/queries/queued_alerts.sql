-- queued_alerts.sql — alerts waiting to be sent, with their shift. $1 max_attempts
SELECT al.alert_id, al.recipient, al.channel, al.attempts, al.queued_run_id,
       sh.shift_id, sh.actor, sh.target, sh.topic, sh.previous_stance, sh.new_stance,
       sh.previous_on, sh.new_on, sh.kind, sh.severity, sh.reason
FROM store.alerts al JOIN store.shifts sh USING (shift_id)
WHERE al.status = 'queued' AND al.attempts < $1
ORDER BY al.recipient, al.channel, CASE sh.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
         sh.new_on, sh.actor, sh.target, sh.topic;
