"""Progress: lesson completion, completion rules, dashboards, certificates and reminders."""
