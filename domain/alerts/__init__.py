"""Alert emails: who gets which shift (`subscriptions`), what the email says
(`compose`), and handing it to an SMTP server (`mailer`). The outbox itself
lives in the warehouse (`warehouse.outbox`); `deliver` ties them together.
"""
