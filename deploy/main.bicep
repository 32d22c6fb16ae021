// ra-watch on Azure: one Container App (ingest + worker in one process: `ra-watch serve`), scaled on HTTP load and
// on the Service Bus queue's length; Service Bus carries the work, PostgreSQL flexible server keeps the store, Key
// Vault keeps every secret, and one user-assigned managed identity pulls the image from the private registry and
// reads Key Vault, Service Bus, PostgreSQL (Microsoft Entra sign-in, no password) and Microsoft Graph. The app and
// the database share a virtual network: PostgreSQL has no public endpoint at all.
//
//   az deployment group create -g <resource-group> -f deploy/main.bicep -p @deploy/main.parameters.json
//
// Graph application permissions cannot be granted from plain Bicep (that needs the Microsoft Graph Bicep extension
// and a Global Administrator at deploy time): deploy/README.md gives the az CLI / PowerShell commands.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Prefix for resource names: lower-case letters and digits, 3 to 11 characters.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'rawatch'

@description('An existing Azure Container Registry in this resource group that holds the image (private: the app pulls with its managed identity, which gets AcrPull on it).')
param registryName string

@description('The image inside that registry, repository:tag, e.g. ra-watch:0.1.0 (built from the repository Dockerfile).')
param imageName string

@description('The watched Microsoft 365 tenant (AZURE_TENANT_ID); the managed identity must live in this tenant.')
param watchedTenantId string = tenant().tenantId

@description('Address space of the virtual network the app environment and PostgreSQL share (a /16 is split into a /23 for the apps and a /24 for the database).')
param vnetAddressPrefix string = '10.42.0.0/16'

@description('Graph echoes this in every notification (CLIENT_STATE): 16 to 128 characters, e.g. `openssl rand -hex 16`.')
@secure()
@minLength(16)
@maxLength(128)
param clientState string

@description('Bearer token for /api/* (API_TOKEN): at least 16 characters, e.g. `openssl rand -hex 24`.')
@secure()
@minLength(16)
param apiToken string

@description('Slack incoming-webhook URL (SLACK_WEBHOOK_URL); empty for no Slack alerts.')
@secure()
param slackWebhookUrl string = ''

@description('SMTP URL with its password, e.g. smtps://user:password@smtp.contoso.com:465 (SMTP_URL); empty for no e-mail.')
@secure()
param smtpUrl string = ''

@description('Teams Workflows or incoming-webhook URL receiving Adaptive Cards (TEAMS_WEBHOOK_URL); empty for no Teams alerts.')
@secure()
param teamsWebhookUrl string = ''

@description('Generic JSON webhook for a ticketing/PSA tool (ALERT_WEBHOOK_URL); empty for none.')
@secure()
param alertWebhookUrl string = ''

@description('HMAC-SHA256 key signing each generic-webhook body (ALERT_WEBHOOK_SECRET), at least 16 characters; needs alertWebhookUrl. Empty: unsigned.')
@secure()
param alertWebhookSecret string = ''

@description('Application Insights connection string: metrics are also exported to Azure Monitor (APPLICATIONINSIGHTS_CONNECTION_STRING). Empty: /metrics only.')
@secure()
param applicationInsightsConnectionString string = ''

@description('Sender of alert e-mails (ALERT_EMAIL_FROM); needed when smtpUrl is set.')
param alertEmailFrom string = ''

@description('Comma-separated recipients of alert e-mails (ALERT_EMAIL_TO); needed when smtpUrl is set.')
param alertEmailTo string = ''

@description('Accept Entra ID access tokens on /api from this tenant (API_ENTRA_TENANT_ID); empty: API_TOKEN only.')
param apiEntraTenantId string = ''

@description('Audience of those tokens: the API app registration\'s client id and/or Application ID URI, comma-separated (API_ENTRA_AUDIENCE).')
param apiEntraAudience string = ''

@description('App role a caller\'s token must carry (API_ENTRA_ROLE).')
param apiEntraRole string = 'RaWatch.Admin'

@description('The web console\'s single-page app registration for "Sign in with Microsoft" (CONSOLE_ENTRA_CLIENT_ID); needs apiEntraTenantId. Empty: the console takes API_TOKEN only.')
param consoleEntraClientId string = ''

@description('LOG_LEVEL of the container.')
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
param logLevel string = 'info'

@description('Events older than this many days are purged from the event log (EVENT_RETENTION_DAYS).')
@minValue(1)
@maxValue(36500)
param eventRetentionDays int = 400

@description('Fewest replicas: 1 or more, since Graph must have its notifications acknowledged within 3 seconds and a cold start from zero is slower.')
@minValue(1)
@maxValue(30)
param minReplicas int = 1

@description('Most replicas the app scales out to.')
@minValue(1)
@maxValue(30)
param maxReplicas int = 5

@description('Messages waiting per replica before the app scales out.')
param messagesPerReplica int = 200

var suffix = uniqueString(resourceGroup().id, namePrefix)
var appName = '${namePrefix}-app'
var queueName = 'ra-watch'
var databaseName = 'ra_watch'
var containerPort = 3000
// /metrics is served on this port only (METRICS_PORT), which the ingress exposes inside the environment alone.
var metricsPort = 9464
var withSlack = !empty(slackWebhookUrl)
var withTeams = !empty(teamsWebhookUrl)
var withWebhook = !empty(alertWebhookUrl)
var withWebhookSecret = withWebhook && !empty(alertWebhookSecret)
var withAzureMonitor = !empty(applicationInsightsConnectionString)
var withEmail = !empty(smtpUrl)
var withEntraApi = !empty(apiEntraTenantId)

// Built-in role definition ids (the same in every tenant).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
// Data Owner rather than Sender + Receiver: the KEDA scaler reads the queue's message count, a management read.
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

// ---- identity ---------------------------------------------------------------------------------------------------
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

// ---- Registry: the app pulls its image with the managed identity (no admin user, no registry password) -----------
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

// ---- Network: the app environment and PostgreSQL in one VNet, the database on a private address only ----------
resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: '${namePrefix}-vnet'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [vnetAddressPrefix] }
    subnets: [
      {
        // A workload-profiles environment takes a /27 or larger, delegated to it.
        name: 'apps'
        properties: {
          addressPrefix: cidrSubnet(vnetAddressPrefix, 23, 0)
          delegations: [{ name: 'apps', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'postgres'
        properties: {
          addressPrefix: cidrSubnet(vnetAddressPrefix, 24, 2)
          delegations: [{ name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } }]
        }
      }
    ]
  }
}

// The server's name resolves to its private address through this zone (the name must end in this suffix).
resource postgresDns 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: '${namePrefix}-pg-${suffix}.private.postgres.database.azure.com'
  location: 'global'
}

resource postgresDnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: postgresDns
  name: '${namePrefix}-vnet'
  location: 'global'
  properties: { registrationEnabled: false, virtualNetwork: { id: vnet.id } }
}

// ---- Key Vault: every secret the app reads ----------------------------------------------------------------------
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${namePrefix}kv${suffix}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource clientStateSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'client-state'
  properties: { value: clientState }
}

resource apiTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'api-token'
  properties: { value: apiToken }
}

// Key Vault refuses empty values: the optional sinks get a secret only when configured.
resource slackSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withSlack) {
  parent: vault
  name: 'slack-webhook-url'
  properties: { value: slackWebhookUrl }
}

resource smtpSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withEmail) {
  parent: vault
  name: 'smtp-url'
  properties: { value: smtpUrl }
}

resource teamsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withTeams) {
  parent: vault
  name: 'teams-webhook-url'
  properties: { value: teamsWebhookUrl }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withWebhook) {
  parent: vault
  name: 'alert-webhook-url'
  properties: { value: alertWebhookUrl }
}

resource webhookSigningSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withWebhookSecret) {
  parent: vault
  name: 'alert-webhook-secret'
  properties: { value: alertWebhookSecret }
}

resource azureMonitorSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withAzureMonitor) {
  parent: vault
  name: 'applicationinsights-connection-string'
  properties: { value: applicationInsightsConnectionString }
}

// No password in the URL: the user is the managed identity's Entra administrator name, and ra-watch signs in with
// an Entra access token from the same identity (src/store/postgres-entra-password.ts). The URL holds no secret any
// more; it stays in Key Vault with the other connection settings since DATABASE_URL is a secret variable.
resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${uriComponent(identity.name)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
  }
}

// ---- Service Bus: sessions keep one user's changes in order; duplicate detection absorbs Graph's re-sends --------
resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: '${namePrefix}-sb-${suffix}'
  location: location
  // Sessions and duplicate detection need the Standard tier at least.
  sku: { name: 'Standard', tier: 'Standard' }
  properties: { disableLocalAuth: true, minimumTlsVersion: '1.2' }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: serviceBus
  name: queueName
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    // Graph retries an unacknowledged notification for up to 4 hours: a re-send inside that window is a duplicate.
    duplicateDetectionHistoryTimeWindow: 'PT4H'
    deadLetteringOnMessageExpiration: true
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
  }
}

resource serviceBusAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus.id, identity.id, serviceBusDataOwner)
  scope: serviceBus
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
  }
}

// ---- PostgreSQL flexible server: the store, Microsoft Entra sign-in only, private network only ------------------
resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: '${namePrefix}-pg-${suffix}'
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  // The DNS zone must be linked to the VNet before the server registers its name in it.
  dependsOn: [postgresDnsLink]
  properties: {
    version: '16'
    // No administrator login and password: password sign-in is off, Entra tokens are the only way in.
    authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Disabled', tenantId: tenant().tenantId }
    network: {
      delegatedSubnetResourceId: vnet.properties.subnets[1].id
      privateDnsZoneArmResourceId: postgresDns.id
    }
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

// The managed identity is the server's Entra administrator: PostgreSQL creates its role (named like the identity)
// at once, so the app can sign in, create its tables and run its migrations on the first start with no manual step.
// deploy/README.md shows how to run it as a narrower role made with pgaadauth_create_principal instead.
resource postgresAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2022-12-01' = {
  parent: postgres
  name: identity.properties.principalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: identity.name
    tenantId: tenant().tenantId
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  // One change at a time on a flexible server: a second concurrent one fails with ServerBusy.
  dependsOn: [postgresAdmin]
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// No firewall rule: with a delegated subnet the server has no public endpoint, and an "allow Azure services"
// rule (0.0.0.0) would have admitted every Azure customer's resources, not just this app.

// ---- Container Apps --------------------------------------------------------------------------------------------
resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    // Workload profiles (Consumption): the environment lives in the VNet's apps subnet and reaches PostgreSQL there.
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
    vnetConfiguration: { infrastructureSubnetId: vnet.properties.subnets[0].id, internal: false }
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// The app's public address is known before it exists (name + environment domain), so Graph's notificationUrl
// (PUBLIC_BASE_URL) needs no second deployment.
var publicBaseUrl = 'https://${appName}.${appEnvironment.properties.defaultDomain}'

var secrets = concat(
  [
    { name: 'client-state', keyVaultUrl: clientStateSecret.properties.secretUri, identity: identity.id }
    { name: 'api-token', keyVaultUrl: apiTokenSecret.properties.secretUri, identity: identity.id }
    { name: 'database-url', keyVaultUrl: databaseUrlSecret.properties.secretUri, identity: identity.id }
  ],
  withSlack ? [{ name: 'slack-webhook-url', keyVaultUrl: slackSecret.properties.secretUri, identity: identity.id }] : [],
  withEmail ? [{ name: 'smtp-url', keyVaultUrl: smtpSecret.properties.secretUri, identity: identity.id }] : [],
  withTeams ? [{ name: 'teams-webhook-url', keyVaultUrl: teamsSecret.properties.secretUri, identity: identity.id }] : [],
  withWebhook ? [{ name: 'alert-webhook-url', keyVaultUrl: webhookSecret.properties.secretUri, identity: identity.id }] : [],
  withWebhookSecret
    ? [{ name: 'alert-webhook-secret', keyVaultUrl: webhookSigningSecret.properties.secretUri, identity: identity.id }]
    : [],
  withAzureMonitor
    ? [{ name: 'applicationinsights-connection-string', keyVaultUrl: azureMonitorSecret.properties.secretUri, identity: identity.id }]
    : []
)

// Names exactly as src/config.ts reads them; every secret comes from a Key Vault reference (test/deploy checks).
var env = concat(
  [
    { name: 'PORT', value: string(containerPort) }
    { name: 'HOST', value: '0.0.0.0' }
    { name: 'LOG_LEVEL', value: logLevel }
    { name: 'METRICS_PORT', value: string(metricsPort) }
    { name: 'EVENT_RETENTION_DAYS', value: string(eventRetentionDays) }
    { name: 'PUBLIC_BASE_URL', value: publicBaseUrl }
    { name: 'DATABASE_URL', secretRef: 'database-url' }
    { name: 'QUEUE', value: 'service-bus' }
    { name: 'SERVICE_BUS_NAMESPACE', value: '${serviceBus.name}.servicebus.windows.net' }
    { name: 'SERVICE_BUS_QUEUE', value: queueName }
    { name: 'QUEUE_MAX_DELIVERIES', value: '10' }
    // A tenant id and a client id with no secret, certificate or token file: ra-watch uses the managed identity,
    // for Graph, Service Bus and PostgreSQL alike.
    { name: 'AZURE_TENANT_ID', value: watchedTenantId }
    { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
    { name: 'CLIENT_STATE', secretRef: 'client-state' }
    { name: 'API_TOKEN', secretRef: 'api-token' }
  ],
  withSlack ? [{ name: 'SLACK_WEBHOOK_URL', secretRef: 'slack-webhook-url' }] : [],
  withTeams ? [{ name: 'TEAMS_WEBHOOK_URL', secretRef: 'teams-webhook-url' }] : [],
  withWebhook ? [{ name: 'ALERT_WEBHOOK_URL', secretRef: 'alert-webhook-url' }] : [],
  withWebhookSecret ? [{ name: 'ALERT_WEBHOOK_SECRET', secretRef: 'alert-webhook-secret' }] : [],
  withAzureMonitor
    ? [{ name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'applicationinsights-connection-string' }]
    : [],
  withEmail
    ? [
        { name: 'SMTP_URL', secretRef: 'smtp-url' }
        { name: 'ALERT_EMAIL_FROM', value: alertEmailFrom }
        { name: 'ALERT_EMAIL_TO', value: alertEmailTo }
      ]
    : [],
  withEntraApi
    ? [
        { name: 'API_ENTRA_TENANT_ID', value: apiEntraTenantId }
        { name: 'API_ENTRA_AUDIENCE', value: apiEntraAudience }
        { name: 'API_ENTRA_ROLE', value: apiEntraRole }
      ]
    : [],
  withEntraApi && !empty(consoleEntraClientId) ? [{ name: 'CONSOLE_ENTRA_CLIENT_ID', value: consoleEntraClientId }] : []
)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  // The identity must be able to pull the image, read Key Vault and Service Bus and sign in to PostgreSQL before
  // the first revision starts.
  dependsOn: [registryPull, vaultReader, serviceBusAccess, postgresAdmin, postgresDatabase, queue]
  properties: {
    managedEnvironmentId: appEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: containerPort
        transport: 'http'
        allowInsecure: false
        // Container Apps ingress cannot hide a path, so /metrics (tenant and subscription names) is not on the
        // public port at all: the app serves it on METRICS_PORT, exposed inside the environment only.
        additionalPortMappings: [{ external: false, targetPort: metricsPort }]
      }
      // A private registry, pulled with the user-assigned identity (AcrPull above): no registry password.
      registries: [{ server: registry.properties.loginServer, identity: identity.id }]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'ra-watch'
          image: '${registry.properties.loginServer}/${imageName}'
          env: env
          resources: { cpu: json('0.5'), memory: '1Gi' }
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: containerPort }, periodSeconds: 30 }
            // /readyz goes false first on SIGTERM, so the ingress drains before the process stops.
            { type: 'Readiness', httpGet: { path: '/readyz', port: containerPort }, periodSeconds: 10 }
          ]
        }
      ]
      scale: {
        // At least one replica always: Graph's notifications must be acknowledged within 3 seconds, a cold start is
        // too slow. KEDA adds one replica per messagesPerReplica waiting messages, or per 100 concurrent requests,
        // whichever asks for more, up to maxReplicas.
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'service-bus-backlog'
            custom: {
              type: 'azure-servicebus'
              metadata: {
                namespace: serviceBus.name
                queueName: queueName
                messageCount: string(messagesPerReplica)
              }
              // The scaler authenticates with the same managed identity (no connection string exists: local auth off).
              identity: identity.id
            }
          }
          {
            name: 'http-load'
            http: { metadata: { concurrentRequests: '100' } }
          }
        ]
      }
    }
  }
}

output appUrl string = publicBaseUrl
output notificationUrl string = '${publicBaseUrl}/notifications'
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output keyVaultName string = vault.name
output postgresHost string = postgres.properties.fullyQualifiedDomainName
output postgresUser string = identity.name
output serviceBusNamespace string = '${serviceBus.name}.servicebus.windows.net'
