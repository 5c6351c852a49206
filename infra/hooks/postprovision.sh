#!/usr/bin/env sh
# azd postprovision hook: say what is left to do by hand. It reads only names and URLs from the deployment outputs
# (azd puts them in the environment); no secret passes through azd's environment, and this script sets none.
set -eu
kv="${KEY_VAULT_NAME:-<KEY_VAULT_NAME>}"
app="${FUNCTION_APP_NAME:-<FUNCTION_APP_NAME>}"
# The pages' app roles live on the Entra app registration, a Microsoft Graph object that Resource Manager (and so
# Bicep without the Graph extension) cannot write: apply the list the deployment computed, when az is signed in.
roles="${PAGES_APP_ROLES:-[]}"
client="${PAGES_CLIENT_ID:-}"
if [ -n "$client" ] && [ "$roles" != "[]" ]; then
  file="$(mktemp)"
  trap 'rm -f "$file"' EXIT
  printf '%s' "$roles" > "$file"
  if command -v az >/dev/null 2>&1 && az ad app update --id "$client" --app-roles "@$file"; then
    echo "App roles applied to the pages' app registration $client: NightSafe.ControlRoom and one NightSafe.Agency.<id> per agency."
    echo "Assign people to them: Entra admin centre > Enterprise applications > $client > Users and groups."
  else
    echo "Could not apply the pages' app roles (is az installed and signed in with rights on app $client?). Run:"
    echo "  az ad app update --id $client --app-roles @roles.json   # roles.json: the PAGES_APP_ROLES output (azd env get-values)"
  fi
fi

cat <<TEXT

NightSafe is provisioned. Left to do by hand:

1. Twilio secrets, typed (not echoed) into Key Vault $kv, then restart the app:
     read -rp 'Twilio Account SID: ' v && az keyvault secret set --vault-name $kv --name twilio-account-sid --value "\$v" --output none
     read -rsp 'Twilio Auth Token: ' v && echo && az keyvault secret set --vault-name $kv --name twilio-auth-token --value "\$v" --output none
     read -rp 'Twilio sender (E.164): ' v && az keyvault secret set --vault-name $kv --name twilio-from --value "\$v" --output none
     unset v; az functionapp restart --name $app --resource-group ${AZURE_RESOURCE_GROUP:-<resource group>}
2. Twilio console, your number's Messaging settings:
     A message comes in (HTTP POST): ${TWILIO_INBOUND_WEBHOOK_URL:-<TWILIO_INBOUND_WEBHOOK_URL>}
     Status callback URL:             ${TWILIO_STATUS_CALLBACK_URL:-<TWILIO_STATUS_CALLBACK_URL>}
3. Partner principals: add each agency's Entra ID object id to partnerPrincipals in infra/main.bicepparam
   ({ agencyId: '<id in routing.json>', principalId: '<object id>' }), then azd provision again.
   Give partners docs/partners.md and the namespace ${SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE:-<SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE>}.
4. Alert contacts, if you have not: azd env set NIGHTSAFE_ALERT_EMAILS oncall@example.org (comma-separated;
   NIGHTSAFE_ALERT_SMS for +447... numbers), then azd provision.
5. The officer roster: dotnet nightsafe roster import officers.csv --hub https://${FUNCTION_APP_HOST_NAME:-<FUNCTION_APP_HOST_NAME>} --key <function key>
   (the key: az functionapp keys list --name $app --resource-group <rg> --query functionKeys.default -o tsv)
6. Check: curl https://${FUNCTION_APP_HOST_NAME:-<FUNCTION_APP_HOST_NAME>}/api/health

TEXT
