"""Running Démarche on one machine with no AWS account: moto stands in for DynamoDB, SQS and SES."""
